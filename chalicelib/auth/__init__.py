"""Who is calling, and what they may do: the one authorization point."""
