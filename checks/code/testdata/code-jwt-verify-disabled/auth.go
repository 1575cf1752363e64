package auth

import "github.com/golang-jwt/jwt/v5"

func Claims(tok string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	p := jwt.NewParser()
	// ruleid: code-jwt-verify-disabled
	_, _, err := p.ParseUnverified(tok, claims)
	// ok: code-jwt-verify-disabled
	_, err = jwt.Parse(tok, keyFunc)
	return claims, err
}
