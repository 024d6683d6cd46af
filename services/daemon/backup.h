// Backups: an online, consistent copy of a daemon's data directory (the log, and its views in
// views/) while commands continue.
#ifndef CLOSEDLOOP_SERVICES_DAEMON_BACKUP_H_
#define CLOSEDLOOP_SERVICES_DAEMON_BACKUP_H_

#include <string>

#include "absl/status/statusor.h"
#include "closedloop/v1/admin_service.pb.h"
#include "storage/event_log.h"
#include "storage/view_store.h"

namespace closedloop::services {

// Copies `views` first, then `log`, so the copied views never reflect an event the copied
// log lacks: a daemon started on the copy resumes its views and replays the rest. Errors as
// AdminService.Backup.
absl::StatusOr<v1::BackupResponse> Backup(storage::EventLog& log, storage::ViewStore& views,
                                          const std::string& directory);

}  // namespace closedloop::services

#endif  // CLOSEDLOOP_SERVICES_DAEMON_BACKUP_H_
