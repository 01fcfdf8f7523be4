// libpq, as Swift sees it. The PG_DIAG_* field codes are char literals ('C'), which Swift does
// not import as constants, so they are re-exported here as plain ints.
#ifndef JOBSERVER_CLIBPQ_SHIM_H
#define JOBSERVER_CLIBPQ_SHIM_H
#include <libpq-fe.h>

static const int CPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CPQ_DIAG_SEVERITY = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CPQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CPQ_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CPQ_DIAG_COLUMN_NAME = PG_DIAG_COLUMN_NAME;
static const int CPQ_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;
#endif
