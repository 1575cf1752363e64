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


def augment(tokens, vocab_size):
    # ok: code-insecure-random-token
    masked_tokens = random.sample(tokens, 3)
    # ok: code-insecure-random-token
    token_ids = [random.randint(0, vocab_size) for _ in range(8)]
    # ok: code-insecure-random-token
    mask_token = random.choice(["[MASK]", "[UNK]"])
    # ruleid: code-insecure-random-token
    auth_token = "%032x" % random.getrandbits(128)
    return masked_tokens, token_ids, mask_token, auth_token


def generated(chars):
    # ruleid: code-insecure-random-token
    reset_token = "".join(random.choice(chars) for _ in range(32))
    # ruleid: code-insecure-random-token
    otp = "".join([str(random.randint(0, 9)) for _ in range(6)])
    # ok: code-insecure-random-token
    nonce = "".join(secrets.choice(chars) for _ in range(32))
    return reset_token, otp, nonce
