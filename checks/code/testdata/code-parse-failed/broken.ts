// ruleid-file: code-parse-failed
<?php echo $x; ?> }}}} ))))) ]]]] :::: @@@@ #### $$$ %%% ^^^ &&& ***
function (((( {{{{ } } } ) ) )
