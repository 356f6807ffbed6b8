"""The partners' workspace of a groupement: its conversation, the pieces each member brings, what is missing."""
