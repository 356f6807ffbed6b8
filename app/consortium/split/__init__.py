"""The agreed split of a groupement: its versions (who performs which work package for how much, the offer price
of each lot, the parts sub-contracted), the page that edits it, and which version each member accepted."""
