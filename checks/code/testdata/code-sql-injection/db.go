package db

import (
	"context"
	"database/sql"
	"fmt"
)

func Find(ctx context.Context, db *sql.DB, name string) error {
	// ruleid: code-sql-injection (low)
	_, err := db.QueryContext(ctx, "SELECT * FROM users WHERE name = '"+name+"'")
	// ruleid: code-sql-injection (low)
	_, err = db.Exec(fmt.Sprintf("DELETE FROM users WHERE name = '%s'", name))
	// ok: code-sql-injection
	_, err = db.QueryContext(ctx, "SELECT * FROM users WHERE name = $1", name)
	// ok: code-sql-injection
	_, err = db.Exec("DELETE FROM sessions WHERE expired")
	return err
}
