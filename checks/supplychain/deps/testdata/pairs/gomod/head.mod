module example.com/demo

go 1.22

require (
	github.com/pkg/errors v0.9.1
	golang.org/x/text v0.3.7
	github.com/stretchr/testify v1.9.0 // indirect
)

replace github.com/pkg/errors => github.com/someone/errors v0.9.2

replace example.com/demo/internal => ./internal

replace example.com/other => ../../other
