"""Web behaviour (アクセスログ): anonymous visitors, their page/product/cart/search events from the first-party snippet, and the stitching of a visitor to a customer."""
