#!/usr/bin/env python3
"""A simulated cloud for HostFactory's exec provider (see docs/providers.md, "exec").

HostFactory runs:  python3 exec_cloud.py <operation>   with one JSON request on stdin,
and reads one JSON answer on stdout. Operations: provision, describe, release, reclaimed, validate,
and the optional held. Exit 0: the answer is on stdout. Exit 2: the request was wrong ({"message": ...} on stdout).

Provisioning honours the request's idempotency key ("key"): each instance records the key it was made
under, and a provision under a key that already made instances answers with those (the live ones) and
makes none, as a cloud's client token does. "held" lists the live instances with their keys.

"Instances" are JSON files in <state>/cloud/, where <state> is the provider instance's state
directory (HOSTFACTORY_PROVIDER_STATE_DIR, or "provider.stateDirectory" of the request).
Writes happen under an flock, because Host Factory runs several plugin processes at once.

Operator commands (simulate the cloud taking an instance back, e.g. a spot reclaim):
  python3 exec_cloud.py --state DIR reclaim <instance-id> [grace-seconds]
  python3 exec_cloud.py --state DIR list
Template settings read: imageId (required), instanceType, bootSeconds (seconds in "pending"),
capacity (how many live instances the simulated cloud holds, default 100), instanceTags ("k=v;k2=v2"),
apiDelaySeconds (how long the simulated cloud API takes to make each instance and to answer, default 0).
"""
import fcntl
import hashlib
import json
import os
import secrets
import sys
import time


def fail(message, code=2):
    print(json.dumps({"message": message}))
    sys.exit(code)


def cloud_dir(state):
    path = os.path.join(state, "cloud")
    os.makedirs(path, exist_ok=True)
    return path


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def save(path, instance):
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(instance, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class Locked:
    def __init__(self, directory):
        self.path = os.path.join(directory, ".lock")

    def __enter__(self):
        self.handle = open(self.path, "a+")
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def instances(directory):
    for name in sorted(os.listdir(directory)):
        if name.startswith("i-") and name.endswith(".json"):
            yield load(os.path.join(directory, name))


def tags_of(text):
    tags = {}
    for pair in (text or "").split(";"):
        if "=" in pair:
            key, value = pair.split("=", 1)
            tags[key.strip()] = value.strip()
    return tags


def validate(template):
    settings = template.get("settings") or {}
    errors = []
    if not isinstance(settings.get("imageId"), str) or not settings.get("imageId"):
        errors.append(f"Template '{template.get('templateId')}' needs an 'imageId' string.")
    for key in ("bootSeconds", "capacity", "apiDelaySeconds"):
        if key in settings and not isinstance(settings[key], (int, float)):
            errors.append(f"Template '{template.get('templateId')}' setting '{key}' must be a number.")
    return errors


def provision(request, directory):
    template = request.get("template") or {}
    errors = validate(template)
    if errors:
        fail(" ".join(errors))
    settings = template["settings"]
    count = int(request.get("count", 0))
    capacity = int(settings.get("capacity", 100))
    delay = float(settings.get("apiDelaySeconds", 0))
    key = request.get("key") or request.get("requestId")
    with Locked(directory):
        earlier = [i for i in instances(directory) if i.get("key") == key]
        if earlier:
            # A call under this key made these (it died, or its answer was lost): answer with them, make none.
            made = [i for i in earlier if i["state"] != "terminated"]
            message = None if len(made) >= count else f"Key {key} already made {len(earlier)} instance(s), {len(made)} of them live; no more are made under it."
        else:
            made = []
            live = sum(1 for i in instances(directory) if i["state"] != "terminated")
            for _ in range(max(0, min(count, capacity - live))):
                time.sleep(delay)
                made.append(launch(settings, request, key, directory))
            message = None if len(made) >= count else f"The simulated cloud is at capacity ({capacity}): made {len(made)} of {count} instances."
        time.sleep(delay)
    answer = {"machines": [machine_of(i) for i in made]}
    if message is not None:
        answer["message"] = message
    return answer


def launch(settings, request, key, directory):
    instance_id = "i-" + secrets.token_hex(6)
    octets = hashlib.sha256(instance_id.encode()).digest()
    instance = {
        "id": instance_id,
        "name": f"sim-{instance_id[2:10]}.cloud.internal",
        "ip": f"10.{octets[0]}.{octets[1]}.{max(octets[2], 1)}",
        "state": "pending",
        "launchtime": int(time.time()),
        "bootSeconds": float(settings.get("bootSeconds", 0)),
        "imageId": settings["imageId"],
        "instanceType": settings.get("instanceType"),
        "tags": tags_of(settings.get("instanceTags")),
        "requestId": request.get("requestId"),
        "key": key,
        "reclaimAt": None,
    }
    save(os.path.join(directory, instance_id + ".json"), instance)
    return instance


def machine_of(instance):
    return {
        "machineId": instance["id"],
        "name": instance["name"],
        "privateIpAddress": instance["ip"],
        "publicIpAddress": None,
        "status": status_of(instance),
        "launchtime": instance["launchtime"],
        "data": {"imageId": instance["imageId"]},
        "instanceType": instance.get("instanceType"),
        "priceType": "ondemand",
        "cloudHostId": instance["id"],
        "tags": instance.get("tags") or {},
    }


def held(request, directory):
    wanted = request.get("requestId")
    answer = []
    for instance in instances(directory):
        key = instance.get("key")
        if instance["state"] == "terminated" or not key:
            continue
        if wanted is not None and key.split(".")[0] != wanted:
            continue
        answer.append(dict(machine_of(instance), key=key))
    return {"machines": answer}


def status_of(instance):
    if instance["state"] == "terminated":
        return "terminated"
    if time.time() - instance["launchtime"] < instance.get("bootSeconds", 0):
        return "pending"
    return "running"


def describe(request, directory):
    answer = []
    for machine in request.get("machines") or []:
        path = os.path.join(directory, machine["machineId"] + ".json")
        if not os.path.exists(path):
            answer.append({"machineId": machine["machineId"], "status": "terminated", "message": "No such instance."})
            continue
        instance = load(path)
        answer.append({
            "machineId": instance["id"],
            "status": status_of(instance),
            "message": "Terminated." if instance["state"] == "terminated" else None,
            "name": instance["name"],
            "privateIpAddress": instance["ip"],
        })
    return {"machines": answer}


def release(request, directory):
    answer = []
    with Locked(directory):
        for machine in request.get("machines") or []:
            path = os.path.join(directory, machine["machineId"] + ".json")
            if not os.path.exists(path) or load(path)["state"] == "terminated":
                answer.append({"machineId": machine["machineId"], "result": "already-gone", "message": "No such live instance."})
                continue
            instance = load(path)
            instance["state"] = "terminated"
            save(path, instance)
            answer.append({"machineId": machine["machineId"], "result": "released", "message": None})
    return {"machines": answer}


def reclaimed(request, directory):
    answer = []
    now = time.time()
    for machine in request.get("machines") or []:
        path = os.path.join(directory, machine["machineId"] + ".json")
        instance = load(path) if os.path.exists(path) else None
        if instance is None or (instance["state"] == "terminated" and instance.get("reclaimAt") is not None):
            answer.append({"machineId": machine["machineId"], "gracePeriod": 0})
        elif instance.get("reclaimAt") is not None:
            answer.append({"machineId": machine["machineId"], "gracePeriod": max(0, int(instance["reclaimAt"] - now))})
    return {"machines": answer}


def operator(arguments, state):
    directory = cloud_dir(state)
    if arguments[0] == "list":
        for instance in instances(directory):
            print(f"{instance['id']}  {instance['name']}  {instance['ip']}  {status_of(instance)}")
        return
    if arguments[0] == "reclaim" and len(arguments) >= 2:
        path = os.path.join(directory, arguments[1] + ".json")
        with Locked(directory):
            instance = load(path)
            instance["reclaimAt"] = time.time() + (float(arguments[2]) if len(arguments) > 2 else 0)
            if len(arguments) <= 2:
                instance["state"] = "terminated"
            save(path, instance)
        return
    fail(f"Unknown operator command: {' '.join(arguments)}")


def main():
    arguments = sys.argv[1:]
    state = os.environ.get("HOSTFACTORY_PROVIDER_STATE_DIR")
    if len(arguments) >= 2 and arguments[0] == "--state":
        state, arguments = arguments[1], arguments[2:]
    if not arguments:
        fail("usage: exec_cloud.py [--state DIR] provision|describe|release|reclaimed|validate|held < request.json")
    operations = {"provision": provision, "describe": describe, "release": release, "reclaimed": reclaimed, "held": held}
    if arguments[0] in ("list", "reclaim"):
        if not state:
            fail("--state DIR is required for operator commands")
        operator(arguments, state)
        return
    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        fail(f"The request on stdin is not JSON: {error}")
    state = state or (request.get("provider") or {}).get("stateDirectory")
    if not state:
        fail("No state directory: set HOSTFACTORY_PROVIDER_STATE_DIR or provider.stateDirectory.")
    if arguments[0] == "validate":
        print(json.dumps({"errors": validate(request.get("template") or {})}))
    elif arguments[0] in operations:
        print(json.dumps(operations[arguments[0]](request, cloud_dir(state))))
    else:
        fail(f"Unknown operation '{arguments[0]}'.")


if __name__ == "__main__":
    main()
