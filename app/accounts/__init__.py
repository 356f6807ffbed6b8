"""Accounts: users, organisations, memberships and invitations."""
