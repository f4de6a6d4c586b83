"""Commerce (購買): the product catalog, orders with their lines, and returns."""
