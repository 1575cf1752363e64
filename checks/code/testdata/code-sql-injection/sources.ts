// SQL built from request input is high; from a parameter, low.
import express from "express";
import mysql from "mysql2/promise";

const app = express();
const db = await mysql.createConnection({ host: "localhost" });
const SORTABLE = ["name", "created", "price"];

app.get("/orders", async (req, res) => {
  const id = req.query.id;
  // ruleid: code-sql-injection (high)
  const [rows] = await db.query(`SELECT * FROM orders WHERE id = ${id}`);
  const sort = String(req.query.sort);
  if (!SORTABLE.includes(sort)) return res.status(400).end();
  // ok: code-sql-injection
  await db.query(`SELECT * FROM orders ORDER BY ${sort}`);
  // ok: code-sql-injection
  await db.query("SELECT * FROM orders WHERE id = ?", [id]);
  res.json(rows);
});

export async function purge(table: string) {
  // ruleid: code-sql-injection (low)
  await db.query("DELETE FROM " + table + " WHERE expired = 1");
}
