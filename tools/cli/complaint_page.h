// One case on a page, for people: what `closedloop show` and `closedloop audit history`
// print before their tables of events.
#ifndef CLOSEDLOOP_TOOLS_CLI_COMPLAINT_PAGE_H_
#define CLOSEDLOOP_TOOLS_CLI_COMPLAINT_PAGE_H_

#include "closedloop/v1/views.pb.h"

namespace closedloop::cli {

// The case's facts as "label  value" lines, then its deadlines, tasks and comments as tables
// (each only when there is one). Everything the server let the caller see.
void PrintComplaintPage(const v1::ComplaintView& view);

}  // namespace closedloop::cli

#endif  // CLOSEDLOOP_TOOLS_CLI_COMPLAINT_PAGE_H_
