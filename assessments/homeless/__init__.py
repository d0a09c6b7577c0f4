"""16 and 17 year olds presenting as homeless (spec section 10, G12): its own small workflow,
app label `homeless`. It imports nothing of `assessments` and `assessments` nothing of it."""
