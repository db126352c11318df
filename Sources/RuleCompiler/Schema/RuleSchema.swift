import Foundation

/// The JSON Schema (draft 2020-12) of rule files and test files, for editors that check
/// YAML as one types (the YAML language server reads YAML 1.2: `1` is a number, `off` and
/// `2026-01-26` are strings, as Ringplan reads them). The checker remains the authority:
/// the schema catches unknown keys and wrong shapes, not references or Exotel's limits
/// beyond simple ranges.
public enum RuleSchema {
    public static func json() -> String {
        ReadableJSON.string(schema)
    }

    nonisolated(unsafe) static let name: [String: Any] = ["type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]{0,63}$"]
    nonisolated(unsafe) static let e164: [String: Any] = ["type": "string", "pattern": "^\\+[1-9][0-9]{1,14}$", "description": "an E.164 number, such as \"+919876500001\""]
    nonisolated(unsafe) static let agentContact: [String: Any] = [
        "type": "string", "pattern": "^(\\+[1-9][0-9]{1,14}|sip:[A-Za-z0-9._-]{1,64}(@[A-Za-z0-9.-]{1,253})?)$",
        "description": "an E.164 number, such as \"+919876500001\", or an Exotel softphone's SIP address, such as \"sip:priya7f3a\"",
    ]
    nonisolated(unsafe) static let numberPattern: [String: Any] = [
        "type": "string", "pattern": "^(\\+[1-9][0-9]{0,14}\\*?|[A-Za-z][A-Za-z0-9_-]{0,63})$",
        "description": "an E.164 number, a prefix ending in * or a list name",
    ]
    nonisolated(unsafe) static let duration: [String: Any] = [
        "anyOf": [["type": "integer", "minimum": 1], ["type": "string", "pattern": "^([0-9]+|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$"]],
        "description": "seconds, or a duration such as 30s, 30m, 1h15m",
    ]
    nonisolated(unsafe) static let url: [String: Any] = ["type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$", "maxLength": 2048]
    nonisolated(unsafe) static let window: [String: Any] = ["type": "string", "pattern": "^[0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}$"]

    static func oneOrMany(_ item: [String: Any]) -> [String: Any] {
        ["anyOf": [item, ["type": "array", "items": item, "minItems": 1]]]
    }

    nonisolated(unsafe) static let member: [String: Any] = [
        "type": "object", "additionalProperties": false, "required": ["in"], "properties": ["in": name],
        "description": "{ in: NAME }: in a table's keys or a list's numbers",
    ]

    /// A condition: values, a list of them, `{ not: ... }`, or `{ in: ... }`.
    static func condition(_ item: [String: Any]) -> [String: Any] {
        ["anyOf": [item, ["type": "array", "minItems": 1, "items": ["$ref": "#/$defs/conditionItem"]],
                   ["type": "object", "additionalProperties": false, "required": ["not"], "properties": ["not": ["$ref": "#/$defs/conditionItem"]]],
                   member]]
    }

    /// One entry of `to`: an agent, a group or a number, `sticky`, or a lookup.
    nonisolated(unsafe) static let target: [String: Any] = ["anyOf": [
        ["type": "string", "description": "an agent, a group, an E.164 number, or `sticky` (the agent who last spoke to the caller)"],
        ["type": "object", "additionalProperties": false, "required": ["lookup"],
         "properties": ["lookup": name, "else": oneOrMany(["type": "string"])],
         "description": "the agent or number the table gives for the call; `else` when it has no row for it"] as [String: Any],
    ]]

    /// The keys of one step (or of a `dial` of one step).
    nonisolated(unsafe) static let stepKeys: [String: Any] = [
        "to": oneOrMany(target),
        "strategy": ["enum": ["hunt", "parallel"]],
        "max_parallel": ["type": "integer", "minimum": 1, "maximum": 5],
    ]

    nonisolated(unsafe) static let options: [String: Any] = [
        "ringing": duration.merging(["description": "max_ringing_duration, 1s..60s"]) { $1 },
        "conversation": duration.merging(["description": "max_conversation_duration, 1s..75m"]) { $1 },
        "record": ["enum": ["off", "single", "dual"]],
        "hold_music": ["anyOf": [["enum": ["default_tone", "operator_tone"]], url]],
        "caller_id": e164,
        "playback": [
            "type": "object", "additionalProperties": false,
            "properties": ["text": ["type": "string", "minLength": 1, "maxLength": 1000], "audio": url, "to": ["enum": ["both", "callee"]]],
            "oneOf": [["required": ["text"]], ["required": ["audio"]]],
        ] as [String: Any],
        "events": url,
        "busy": ["enum": ["skip", "ring"], "description": "skip (default): agents known busy on another call are left out; ring: dialled anyway"],
    ]

    nonisolated(unsafe) static let schema: [String: Any] = [
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ringplan.dev/schema/rules-v1.json",
        "title": "Ringplan rule file or test file, language version 1",
        "anyOf": [["$ref": "#/$defs/ruleFile"], ["$ref": "#/$defs/testFile"]],
        "$defs": [
            "conditionItem": ["anyOf": [["type": "string"], ["type": "array", "items": ["$ref": "#/$defs/conditionItem"]],
                                        ["type": "object", "additionalProperties": false, "required": ["not"],
                                         "properties": ["not": ["$ref": "#/$defs/conditionItem"]]], member]],
            "step": ["type": "object", "additionalProperties": false, "required": ["to"], "properties": options.merging(stepKeys) { $1 }],
            "steps": ["type": "array", "minItems": 1, "maxItems": 20, "items": ["$ref": "#/$defs/step"]],
            "branch": [
                "type": "object", "additionalProperties": false, "required": ["weight"],
                "oneOf": [["required": ["to"]], ["required": ["steps"]]],
                "properties": options.merging(stepKeys) { $1 }.merging([
                    "weight": ["type": "integer", "minimum": 1, "maximum": 1_000_000, "description": "parts of the calls this branch takes"],
                    "steps": ["$ref": "#/$defs/steps"],
                ] as [String: Any]) { $1 },
            ] as [String: Any],
            "ruleFile": [
                "type": "object", "additionalProperties": false, "required": ["ringplan"],
                "properties": [
                    "ringplan": ["const": 1],
                    "include": oneOrMany(["type": "string"]),
                    "timezone": ["type": "string", "description": "an IANA time zone such as Asia/Kolkata"],
                    "clock_timezone": ["type": "string"],
                    "country": ["type": "string", "pattern": "^[A-Za-z]{2}$"],
                    "applet": ["enum": ["ccm", "connect"], "description": "ccm: CCM Programmable Connect; connect: the generic Programmable Connect"],
                    "unmatched": ["enum": ["nobody", "fallback"],
                                  "description": "calls no rule takes: nobody (an empty answer) or fallback (non-200, Exotel's Fallback URL)"],
                    "sticky_days": ["type": "integer", "minimum": 1, "maximum": 365,
                                    "description": "how long an answered call keeps its agent the caller's sticky agent (default 30)"],
                    "agents": ["type": "object", "propertyNames": name, "additionalProperties": agentContact],
                    "groups": ["type": "object", "propertyNames": name, "additionalProperties": oneOrMany(name)],
                    "lists": ["type": "object", "propertyNames": name, "additionalProperties": [
                        "anyOf": [oneOrMany(numberPattern), ["type": "object", "additionalProperties": false, "required": ["file"],
                                                              "properties": ["file": ["type": "string"]]]],
                    ]],
                    "calendars": ["type": "object", "propertyNames": name, "additionalProperties": ["oneOf": [
                        ["const": "24x7", "description": "open at every instant"],
                        [
                            "type": "object", "additionalProperties": false,
                            "anyOf": ["dates", "yearly", "monthly", "weekly", "on", "ics"].map { ["required": [$0]] },
                            "properties": [
                                "dates": oneOrMany(["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}(\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})?$",
                                                    "description": "a date, or an inclusive range `2026-12-24..2027-01-01`"]),
                                "yearly": oneOrMany(["type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "MM-DD, every year"]),
                                "monthly": oneOrMany(["type": "string", "pattern": "^[0-9A-Za-z]+ +[A-Za-z]+$",
                                                      "description": "the Nth weekday of every month, such as `2nd sat` or `last fri`"]),
                                "weekly": ["type": "object", "additionalProperties": oneOrMany(window)],
                                "on": ["type": "object", "description": "special hours: these dates' windows instead of the weekly ones",
                                       "additionalProperties": ["anyOf": [["const": "closed"], oneOrMany(window)]]],
                                "ics": ["type": "string", "description": "an iCalendar file whose events open the calendar, relative to this file"],
                                "timezone": ["type": "string", "description": "the IANA zone of this calendar's dates and hours (default: the rule set's)"],
                                "except": oneOrMany(["type": "string"]),
                            ],
                        ] as [String: Any],
                    ]] as [String: Any]],
                    "tables": ["type": "object", "propertyNames": name, "additionalProperties": [
                        "type": "object", "additionalProperties": false, "required": ["file"],
                        "properties": ["file": ["type": "string", "description": "a CSV file of key,value rows, relative to this file"],
                                       "key": ["enum": ["caller", "custom_field"], "description": "what the table is keyed by (default caller)"]],
                    ] as [String: Any]],
                    "skills": ["type": "object", "propertyNames": ["pattern": "^[0-9*#]{1,16}$"], "additionalProperties": name],
                    "defaults": ["type": "object", "additionalProperties": false, "properties": options],
                    "rules": ["type": "array", "minItems": 1, "items": ["$ref": "#/$defs/rule"]],
                ] as [String: Any],
            ] as [String: Any],
            "rule": [
                "type": "object", "additionalProperties": false, "required": ["name", "dial"],
                "properties": options.merging([
                    "name": name,
                    "description": ["type": "string"],
                    "when": ["type": "object", "additionalProperties": false, "properties": [
                        "caller": condition(numberPattern), "exophone": condition(numberPattern),
                        "time": condition(["type": "string"]), "skill": condition(name),
                        "direction": condition(["enum": ["incoming", "outbound-dial"]]),
                        "custom_field": condition(["type": "string", "maxLength": 1000]),
                    ]],
                    "dial": ["anyOf": [
                        oneOrMany(["type": "string"]),
                        ["type": "object", "additionalProperties": false, "required": ["to"], "properties": stepKeys],
                        ["type": "object", "additionalProperties": false, "required": ["steps"], "properties": ["steps": ["$ref": "#/$defs/steps"]]],
                        ["type": "object", "additionalProperties": false, "required": ["split"], "properties": [
                            "split": ["type": "array", "minItems": 2, "maxItems": 100, "items": ["$ref": "#/$defs/branch"]],
                            "by": ["enum": ["caller", "call"], "description": "caller: a caller always lands on the same branch; call: by CallSid"],
                        ] as [String: Any]],
                    ]],
                ] as [String: Any]) { $1 },
            ] as [String: Any],
            "testFile": [
                "type": "object", "additionalProperties": false, "required": ["ringplan", "rules", "cases"],
                "properties": [
                    "ringplan": ["const": 1],
                    "rules": ["type": "string"],
                    "now": ["type": ["string", "integer"]],
                    "cases": ["type": "array", "items": [
                        "type": "object", "additionalProperties": false, "required": ["name"],
                        "properties": [
                            "name": ["type": "string"], "request": ["$ref": "#/$defs/request"], "headers": ["type": "object"],
                            "now": ["type": ["string", "integer"]], "expect": ["$ref": "#/$defs/expect"],
                            "fetches": ["type": "array", "minItems": 1, "items": [
                                "type": "object", "additionalProperties": false, "required": ["request", "expect"],
                                "properties": ["request": ["$ref": "#/$defs/request"], "headers": ["type": "object"],
                                               "now": ["type": ["string", "integer"]], "expect": ["$ref": "#/$defs/expect"]],
                            ] as [String: Any]],
                        ] as [String: Any],
                    ] as [String: Any]],
                ] as [String: Any],
            ] as [String: Any],
            "request": ["anyOf": [["type": "string"], ["type": "object", "additionalProperties": ["type": ["string", "integer"]]]]],
            "expect": ["anyOf": [["const": "no rule"], ["type": "object"]]],
        ] as [String: Any],
    ]
}
