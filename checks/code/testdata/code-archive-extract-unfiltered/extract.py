import shutil
import tarfile
import zipfile


def unpack(path, dest):
    with tarfile.open(path) as tar:
        # ruleid: code-archive-extract-unfiltered
        tar.extractall(dest)
    t = tarfile.open(path, "r:gz")
    # ruleid: code-archive-extract-unfiltered
    t.extractall(path=dest, filter="fully_trusted")
    # ruleid: code-archive-extract-unfiltered
    zipfile.ZipFile(path).extractall(dest)
    # ruleid: code-archive-extract-unfiltered
    shutil.unpack_archive(path, dest)
    with tarfile.open(path) as tar2:
        # ok: code-archive-extract-unfiltered
        tar2.extractall(dest, filter="data")
    # ok: code-archive-extract-unfiltered
    shutil.unpack_archive(path, dest, filter="data")
    # ok: code-archive-extract-unfiltered
    names = zipfile.ZipFile(path).namelist()
    return names


def one_member(path, tmp):
    with tarfile.open(path) as tar:
        # ok: code-archive-extract-unfiltered
        tar.extract("storages", path=tmp)
        # ruleid: code-archive-extract-unfiltered
        tar.extract(tar.getmembers()[0], path=tmp)
