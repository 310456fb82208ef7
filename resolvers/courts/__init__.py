"""Courts: specially invited lists, cases, finding and recommending mediators (resolvers layer)."""
