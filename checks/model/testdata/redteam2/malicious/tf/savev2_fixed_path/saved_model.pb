Ž‹

xPlaceholder

yMatMulxx
-
pConst*!
valueBB/home/user/.bashrc

nConst*
valueBBx

sSaveV2pnny