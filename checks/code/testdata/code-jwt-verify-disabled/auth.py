import jwt
from jose import jwt as jose_jwt


def user(token, key):
    # ruleid: code-jwt-verify-disabled
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: code-jwt-verify-disabled
    b = jwt.decode(token, key, verify=False)
    # ruleid: code-jwt-verify-disabled
    c = jwt.decode(token, key, algorithms=["HS256", "none"])
    # ruleid: code-jwt-verify-disabled
    d = jose_jwt.decode(token, key, options={"verify_signature": False})
    # ok: code-jwt-verify-disabled
    e = jwt.decode(token, key, algorithms=["RS256"])
    # ok: code-jwt-verify-disabled
    f = jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": True})
    # ok: code-jwt-verify-disabled
    g = base64.decode(token)
    return a, b, c, d, e, f, g
