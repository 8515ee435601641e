"""Path helpers that call each other: the link needs more than one round to know what they return."""
def descend(value, depth):
    if depth:
        return ascend(value, depth - 1)
    return value  # the caller's text, as given


def ascend(value, depth):
    return descend(value + "/..", depth)



def trimmed(value):
    return value.strip("/")
