"""Reference data: communes of the Métropole, CPV codes and NUTS regions."""
