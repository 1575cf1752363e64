import random
import secrets
import string


def make(user):
    # ruleid: code-insecure-random-token
    token = "".join(random.choices(string.ascii_letters, k=32))
    # ruleid: code-insecure-random-token
    user.reset_code = random.randint(100000, 999999)
    # ruleid: code-insecure-random-token
    session_id = str(random.getrandbits(128))
    # ok: code-insecure-random-token
    api_key = secrets.token_urlsafe(32)
    # ok: code-insecure-random-token
    delay = random.uniform(0.1, 0.5)
    # ok: code-insecure-random-token
    max_tokens = random.randint(100, 200)
    return token, session_id, api_key, delay, max_tokens
