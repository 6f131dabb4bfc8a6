"""The seed's bookings stream on the Singer SDK (a benchmark peer, not a product)."""
