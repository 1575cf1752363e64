import mysql from "mysql2/promise";

export async function find(db: mysql.Connection, id: string, prisma: any) {
  // ruleid: code-sql-injection (low)
  await db.query(`SELECT * FROM orders WHERE id = ${id}`);
  // ruleid: code-sql-injection (low)
  await prisma.$queryRawUnsafe("SELECT * FROM users WHERE id = " + id);
  // ok: code-sql-injection
  await db.query("SELECT * FROM orders WHERE id = ?", [id]);
  // ok: code-sql-injection
  await prisma.$queryRaw`SELECT * FROM users WHERE id = ${id}`;
}
