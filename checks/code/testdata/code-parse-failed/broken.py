# ruleid-file: code-parse-failed
<<<<<<< HEAD
def f(:
    return ))) (((
=======
}}} class :: def ;; <<< >>> @@@ $$$
>>>>>>> branch
    ] ] ] ) ) ) import from as as as
