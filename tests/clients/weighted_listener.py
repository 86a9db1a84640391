"""The load balancer set-up a blue/green, linear or canary service needs, shared by blue_green_test and
bench/lb_traffic_shift.py: a listener on loopback whose production rule forwards everything to blue (weight 100) and
nothing to green (weight 0), the rule ECS rewrites as it shifts traffic."""


def weighted_listener(elb, load_balancer_arn, port, blue, green):
    """Creates the listener on `port` and its production rule; returns the rule's ARN."""
    listener = elb.create_listener(LoadBalancerArn=load_balancer_arn, Protocol="HTTP", Port=port,
                                   DefaultActions=[{"Type": "forward", "TargetGroupArn": blue}])["Listeners"][0]["ListenerArn"]
    return elb.create_rule(ListenerArn=listener, Priority=10, Conditions=[{"Field": "path-pattern", "Values": ["/*"]}], Actions=[{
        "Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": blue, "Weight": 100}, {"TargetGroupArn": green, "Weight": 0}]},
    }])["Rules"][0]["RuleArn"]
