

xPlaceholder

yMatMulxx
&
pConst*
valueBB/etc/passwd

rReadFilep"