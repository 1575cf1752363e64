import hashlib


def store(user, password):
    # ruleid: code-weak-password-hash
    user.pw = hashlib.md5(password.encode()).hexdigest()
    # ruleid: code-weak-password-hash
    h = hashlib.sha1(user.password.encode()).hexdigest()
    # ruleid: code-weak-password-hash
    h2 = hashlib.new("md5", form["passwd"].encode())
    # ok: code-weak-password-hash
    digest = hashlib.sha256(file_bytes).hexdigest()
    # ok: code-weak-password-hash
    etag = hashlib.md5(body).hexdigest()
    # ok: code-weak-password-hash
    k = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return h, h2, digest, etag, k


def by_keyword(pw_hash_input):
    # ok: code-weak-password-hash
    h = hashlib.new(name="md5")
    # ruleid: code-weak-password-hash
    h2 = hashlib.new(name="sha1", data=user_password)
    return h, h2
