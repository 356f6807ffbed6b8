"""Password hashing (argon2id) and the strength rule applied at registration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask import Flask, current_app

MIN_LENGTH = 10

# The most common leaked passwords of at least MIN_LENGTH characters (French and international lists).
_COMMON = frozenset(
    (
        "1234567890",
        "0123456789",
        "1234567891",
        "12345678910",
        "azertyuiop",
        "qwertyuiop",
        "motdepasse1",
        "motdepasse",
        "password12",
        "password123",
        "password1234",
        "azerty1234",
        "azerty12345",
        "soleil1234",
        "marseille13",
        "marseille1",
        "iloveyou12",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwerty1234",
        "qwerty12345",
        "0000000000",
        "1111111111",
        "abcdefghij",
        "abcd123456",
        "bonjour123",
        "bienvenue1",
        "doudou1234",
        "chouchou12",
        "football12",
        "jetaime123",
        "loveyou123",
    )
)


def init_app(app: Flask) -> None:
    app.extensions["password_hasher"] = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"]
    )


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def weakness(password: str, email: str = "") -> str | None:
    """Why a password is too weak, in French, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères."
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return "Ce mot de passe est trop courant ou trop répétitif ; choisissez-en un autre."
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return "Le mot de passe ne doit pas contenir votre adresse e-mail."
    return None
