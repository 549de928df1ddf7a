import Foundation
import JingzhiCore

/// The device operations of `/openapi.json`.
extension OpenAPIDocument {
    static let deviceOps: [Op] = [
        Op(method: "post", path: "/api/v1/devices/readings", tag: "devices",
           summary: "A vendor gateway's batch of up to 5,000 readings, with header X-Device-Key (401 without). Idempotent per (device, metric, ts); bad items are refused one by one with their index and reason; over 5,000 items: 413",
           body: "DeviceReadingBatch", response: "DeviceIngestResult", isPublic: true),
        Op(method: "get", path: "/api/v1/devices", tag: "devices", summary: "Devices in your scope with their health (staff, grid workers, property companies)",
           query: [("kind", "string", "Device kind, e.g. water_meter"), ("node", "string", "Node id or code: devices under it"),
                   ("status", "string", "online, offline or alarm"), ("q", "string", "Serial prefix")] + paging, response: "PagedDevices"),
        Op(method: "post", path: "/api/v1/devices", tag: "devices", summary: "Register a device in your scope (county, street and community staff)",
           body: "DeviceBody", response: "Device", status: 201),
        Op(method: "get", path: "/api/v1/devices/{id}", tag: "devices", summary: "A device with its health and its last 50 alarms", response: "Device"),
        Op(method: "get", path: "/api/v1/devices/alarms", tag: "devices", summary: "Alarms in your scope, newest first",
           query: [("state", "string", "active or cleared"), ("type", "string", "threshold, inactivity or silence")] + paging, response: "PagedDeviceAlarms"),
        Op(method: "post", path: "/api/v1/devices/alarms/{id}/clear", tag: "devices",
           summary: "Clear an active alarm by hand with a reason (a false alarm, a device replaced); the note goes on its case", body: "DeviceAlarmClearBody",
           response: "DeviceAlarm"),
        Op(method: "get", path: "/api/v1/devices/rules", tag: "devices", summary: "The alarm rules: the county's and your areas' own", response: "[DeviceRule]"),
        Op(method: "post", path: "/api/v1/devices/rules", tag: "devices",
           summary: "An area's own version of a rule (threshold, hours, tags, quiet hours, on/off), replacing the base rule there", body: "DeviceRuleChange",
           response: "DeviceRule", status: 201),
        Op(method: "patch", path: "/api/v1/devices/rules/{id}", tag: "devices", summary: "Change a rule of your scope", body: "DeviceRuleChange",
           response: "DeviceRule"),
    ]

    static var deviceSchemas: [String: Any] { [
        "DeviceReading": object(["device": "string", "ts": "date-time", "metric": "string", "value": "number"], required: ["device", "ts", "metric", "value"]),
        "DeviceReadingBatch": object(["readings": "[DeviceReading]"], required: ["readings"]),
        "DeviceIngestResult": object(["accepted": "integer", "duplicates": "integer", "rejected": "[DeviceRejection]"],
                                     required: ["accepted", "duplicates", "rejected"]),
        "DeviceRejection": object(["index": "integer", "reason": "string"], required: ["index", "reason"]),
        "DeviceBody": object(["serial": "string", "kind": "string", "node": "string", "householdId": "uuid?", "vendor": "string?", "model": "string?",
                              "installedOn": "string?"], required: ["serial", "kind", "node"]),
        "Device": object(["id": "uuid", "serial": "string", "kind": "string", "kindLabel": "string", "vendor": "string", "model": "string",
                          "installedOn": "string?", "nodeId": "uuid", "place": "string", "householdId": "uuid?", "online": "boolean",
                          "lastSeenAt": "date-time", "battery": "number", "activeAlarms": "integer", "alarms": "[DeviceAlarm]"],
                         required: ["id", "serial", "kind", "nodeId", "online", "activeAlarms"]),
        "PagedDevices": paged("Device"),
        "DeviceAlarm": object(["id": "uuid", "deviceId": "uuid", "deviceSerial": "string", "rule": "string", "ruleType": "string", "state": "string",
                               "stateLabel": "string", "summary": "string", "raisedAt": "date-time", "lastAt": "date-time", "lastValue": "number",
                               "repeats": "integer", "clearedAt": "date-time", "caseId": "uuid?", "version": "integer"],
                              required: ["id", "deviceId", "state", "raisedAt", "version"]),
        "PagedDeviceAlarms": paged("DeviceAlarm"),
        "DeviceAlarmClearBody": object(["note": "string", "version": "integer"], required: ["note"]),
        "DeviceRule": object(["id": "uuid", "type": "string", "kind": "string", "metric": "string", "op": "string", "value": "number", "hours": "number",
                              "tags": "[string]", "quietFrom": "string", "quietTo": "string", "categoryCode": "string", "name": "string",
                              "nodePath": "string", "active": "boolean", "version": "integer"], required: ["id", "type", "kind", "metric", "version"]),
        "DeviceRuleChange": object(["baseRuleId": "uuid", "node": "string", "value": "number", "op": "string", "hours": "number", "tags": "[string]",
                                    "quietFrom": "string", "quietTo": "string", "active": "boolean", "version": "integer"]),
    ] }
}
