#!/usr/bin/env python3
"""Web console render times with 100 services and 1,000 tasks in one cluster (issue 18 asks for < 200 ms on loopback).

Usage: python3 bench/console_render.py [services] [tasks-per-service] [repeats]   (defaults 100, 10, 5)
Needs Debian's chromium, chromium-driver and python3-selenium (apt-get install -y chromium chromium-driver python3-selenium).

A `berth server` gets one cluster with 10 container instances of a hollow agent (bench/hollow_agent.py: the real agent
protocol, polls as heartbeats and an instant RUNNING report for each task, no containers), large enough for every
task, and `services` services of `tasks-per-service` tasks each, placed on those instances and RUNNING, so the
instances stay connected and nothing is re-placed while pages are measured. Then each API call the cluster and
service pages make is timed alone, 10 times in a row from Python (the server's own cost, without the browser's
parallel requests), median and minimum. Each page is then opened `repeats` times in headless Chromium; the time is the console's own
(body[data-render-ms]: from the route change until the page is rendered, every API call it makes included). Prints
the median and the maximum per page.
"""
import json
import os
import urllib.request
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "clients"))
from berth_server import BerthServer, wait_until  # noqa: E402
from hollow_agent import HollowAgent  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CLUSTER = "bench"


def ecs_client(endpoint):
    """One ECS call as the AWS CLI sends it, unsigned (the server runs with auth off)."""
    def call(operation, **body):
        request = urllib.request.Request(endpoint, data=json.dumps(body).encode(), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{operation}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    return call


def seed(ecs, endpoint, services, per_service):
    """The cluster, its hollow agent's instances and the services; returns (agent, a task id of svc-000) once every
    task is RUNNING."""
    ecs("CreateCluster", clusterName=CLUSTER)
    agent = HollowAgent(endpoint, CLUSTER, 10)
    ecs("RegisterTaskDefinition", family="bench", containerDefinitions=[
        {"name": "web", "image": "berth/sample-web", "memory": 16, "cpu": 1}])
    for i in range(services):
        ecs("CreateService", cluster=CLUSTER, serviceName=f"svc-{i:03d}", taskDefinition="bench", desiredCount=per_service)
    total = services * per_service
    if not wait_until(lambda: ecs("DescribeClusters", clusters=[CLUSTER])["clusters"][0]["runningTasksCount"] >= total, 600, interval=1):
        raise TimeoutError(f"fewer than {total} RUNNING tasks after 10 minutes")
    return agent, ecs("ListTasks", cluster=CLUSTER, serviceName="svc-000")["taskArns"][0].split("/")[-1]


def measure(driver, endpoint, route, repeats):
    times = []
    for _ in range(repeats):
        driver.get("about:blank")
        driver.get(f"{endpoint}/console/#{route}")
        if not wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, f"body[data-page='#{route}']"), 60, interval=0.05):
            raise TimeoutError(f"{route} did not render")
        times.append(int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-render-ms")))
    return times


def call_costs(ecs):
    """Median and minimum of each call the cluster and service pages make, alone and one after another."""
    tasks = ecs("ListTasks", cluster=CLUSTER, maxResults=100)["taskArns"]
    services = ecs("ListServices", cluster=CLUSTER, maxResults=100)["serviceArns"][:10]
    instances = ecs("ListContainerInstances", cluster=CLUSTER)["containerInstanceArns"]
    calls = [
        ("DescribeClusters", lambda: ecs("DescribeClusters", clusters=[CLUSTER])),
        ("ListServices (100)", lambda: ecs("ListServices", cluster=CLUSTER, maxResults=100)),
        ("DescribeServices (10)", lambda: ecs("DescribeServices", cluster=CLUSTER, services=services)),
        ("ListTasks (cluster, first 100)", lambda: ecs("ListTasks", cluster=CLUSTER, maxResults=100)),
        ("ListTasks (cluster, STOPPED)", lambda: ecs("ListTasks", cluster=CLUSTER, desiredStatus="STOPPED", maxResults=100)),
        ("ListTasks (serviceName)", lambda: ecs("ListTasks", cluster=CLUSTER, serviceName="svc-000", maxResults=100)),
        ("ListTasks (serviceName, STOPPED)", lambda: ecs("ListTasks", cluster=CLUSTER, serviceName="svc-000", desiredStatus="STOPPED", maxResults=100)),
        ("DescribeTasks (100)", lambda: ecs("DescribeTasks", cluster=CLUSTER, tasks=tasks)),
        ("DescribeContainerInstances (10)", lambda: ecs("DescribeContainerInstances", cluster=CLUSTER, containerInstances=instances)),
    ]
    for name, call in calls:
        times = []
        for _ in range(10):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        print(f"  {name:40} median {statistics.median(times):5.0f} ms  min {min(times):5.0f} ms")


def main():
    services = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    per_service = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    server = BerthServer("server")
    server.start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100"):
        options.add_argument(argument)
    driver = agent = None
    try:
        started = time.time()
        agent, task = seed(ecs_client(server.endpoint), server.endpoint, services, per_service)
        print(f"seeded {services} services, {services * per_service} tasks in {time.time() - started:.0f} s; cores: {os.cpu_count()}")
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        for route in ("/clusters", f"/clusters/{CLUSTER}", f"/clusters/{CLUSTER}/services/svc-000", f"/clusters/{CLUSTER}/tasks/{task}"):
            times = measure(driver, server.endpoint, route, repeats)
            print(f"{route:60} median {statistics.median(times):6.0f} ms  max {max(times):6.0f} ms")
        print("API calls alone:")
        call_costs(ecs_client(server.endpoint))
    finally:
        if driver:
            driver.quit()
        if agent:
            agent.close()
        server.close()


if __name__ == "__main__":
    main()
