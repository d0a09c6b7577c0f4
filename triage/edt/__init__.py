"""Emergency Duty Team handovers (spec section 8, G14): the EDT records an out-of-hours contact
with the action it took and what is still to do; the MACH oversees it by 10:00 on the next
working day and screens it as a contact."""
