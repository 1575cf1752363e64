package server

import "github.com/rs/cors"

func Handler() *cors.Cors {
	// ruleid: code-cors-wildcard-credentials
	c := cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true})
	// ok: code-cors-wildcard-credentials
	d := cors.New(cors.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true})
	_ = d
	return c
}
