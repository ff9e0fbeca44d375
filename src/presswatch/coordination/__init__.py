"""Coordination: accounts (and outlets) that publish the same things at the same moments, with the evidence."""
