~|

xPlaceholder

yMatMulxx

iIdentityy
C
dDebugIdentityV3y**

debug_urls
file:///tmp/ward-redteam