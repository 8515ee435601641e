"""Job runner whose helpers reach themselves through each other (linked in rounds)."""
