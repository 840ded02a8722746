-- The office is reminded, once a working day, of dossiers past their date without a result.
-- reminded_on: YYYY-MM-DD of the last reminder that listed the dossier.
ALTER TABLE dossiers ADD COLUMN reminded_on TEXT;
CREATE INDEX dossiers_waiting ON dossiers (due_on) WHERE status IN ('received', 'in_progress');
