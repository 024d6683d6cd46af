// Backups: an online, consistent copy of a daemon's data directory (the log, its views in
// views/ and its cursor store in cursors/) while commands continue.
#ifndef CLOSEDLOOP_SERVICES_DAEMON_BACKUP_H_
#define CLOSEDLOOP_SERVICES_DAEMON_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "closedloop/v1/admin_service.pb.h"
#include "storage/cursor_store.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

// Copies `cursors` (nullptr: there is no cursor store to copy) and `views` first, then `log`,
// so that neither copy reflects an event the copied log lacks: a daemon started on the copy
// resumes its views and replays the rest, and resumes its consumer groups and webhooks where
// they stood, redelivering at most what they passed while the copy was taken. Errors as
// AdminService.Backup.
absl::StatusOr<v1::BackupResponse> Backup(storage::EventLog& log, storage::ViewStore& views,
                                          storage::CursorStore* cursors,
                                          const std::string& directory);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DAEMON_BACKUP_H_
