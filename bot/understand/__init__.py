"""What a Korean customer means, before any skill decides: allergens, chat spelling, concepts."""
