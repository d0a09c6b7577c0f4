"""Statutory returns (spec section 13): the DfE Children in Need census and Ofsted's Annex A
lists, built from the core's contacts, referrals and people and from the records the workflow
apps register through `mach.workflows.register_return_source`."""
