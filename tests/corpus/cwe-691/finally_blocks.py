"""return in finally swallows exceptions (CWE-584)."""


def is_valid(verifier, token):
    try:
        verifier.verify(token)
    finally:
        # ruleid: return-in-finally
        return True


def drain(queue):
    for item in queue:
        try:
            item.process()
        finally:
            # ruleid: return-in-finally
            continue


def is_valid_fixed(verifier, token, audit):
    try:
        verifier.verify(token)
    finally:
        # ok: return-in-finally
        audit.flush()
    return True


def close_all(handles):
    try:
        return len(handles)
    finally:
        for handle in handles:
            if handle.closed:
                # ok: return-in-finally
                continue
            handle.close()
