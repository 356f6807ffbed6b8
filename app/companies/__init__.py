"""Company register: profiles, competences, certifications, references, SIRENE import and demo register."""
