"""The reads behind the site's pages, a module per page: the committee's dashboards (committee), a board's
(boards), the audit trail and a record's history (trail), the accountability gaps and outcomes (gaps), and the
register as it stood on any day, which they share (register)."""
