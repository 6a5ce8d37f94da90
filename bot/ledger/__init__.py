"""The customer ledger: who the shop's customers are, when they came, and how often."""
