"""A large group's purchases and its pledge: what it buys from the Métropole's establishments, against the target
it set when it signed the Métropolitain Business Act."""
