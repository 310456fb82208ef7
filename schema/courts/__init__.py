"""Courts: specially invited lists, cases, finding and recommending mediators (schema layer)."""
