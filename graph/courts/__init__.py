"""Courts: specially invited lists, cases, finding and recommending mediators (graph layer)."""
