#!/usr/bin/env bash
# Materialise a working tree from a (possibly partial) git directory at a pinned commit.
# Blobs the snapshot lacks (large files left out of it) are skipped and listed on stderr.
# usage: checkout.sh GIT_DIR COMMIT DEST
set -euo pipefail
gitdir=$1 commit=$2 dest=$3
mkdir -p "$dest"
idx=$(mktemp)
trap 'rm -f "$idx"' EXIT
missing=0
git --git-dir="$gitdir" ls-tree -r --full-tree "$commit" |
  awk '$2 == "blob"' |
  while IFS= read -r line; do
    printf '%s\n' "$line"
  done >"$idx.tree"
# cat-file --batch-check prints "<sha> missing" for absent objects.
cut -f1 "$idx.tree" | awk '{print $3}' |
  git --git-dir="$gitdir" cat-file --batch-check='%(objectname) %(objecttype)' >"$idx.check" || true
paste -d'\t' "$idx.check" "$idx.tree" | awk -F'\t' '$1 !~ / missing$/ {print $2 "\t" $3}' >"$idx.present"
missing=$(grep -c ' missing$' "$idx.check" || true)
GIT_INDEX_FILE=$idx git --git-dir="$gitdir" read-tree --empty
GIT_INDEX_FILE=$idx git --git-dir="$gitdir" update-index --index-info <"$idx.present"
GIT_INDEX_FILE=$idx git --git-dir="$gitdir" --work-tree="$dest" checkout-index -a -f --prefix="$dest/"
rm -f "$idx.tree" "$idx.check" "$idx.present"
git --git-dir="$gitdir" rev-parse "$commit^{commit}" >"${dest%/}.commit"
echo "checked out $commit into $dest ($missing blobs absent from the snapshot)" >&2
