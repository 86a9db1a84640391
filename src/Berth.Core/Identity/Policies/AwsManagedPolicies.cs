namespace Berth.Core.Identity.Policies;

/// <summary>
/// The AWS managed policies an ECS user expects to attach, with their real ARNs and documents. ReadOnlyAccess is
/// a faithful subset: on AWS it lists read actions of every service (thousands); here it keeps its two statements
/// with only the actions of the services Berth serves (ECS, CloudWatch, CloudWatch Logs, ELB, IAM, STS, SSM,
/// Secrets Manager), exactly as AWS writes them.
/// </summary>
public static class AwsManagedPolicies
{
    public static readonly AwsManagedPolicy AdministratorAccess = new(
        "AdministratorAccess", "/", "v1", "Provides full access to AWS services and resources.",
        """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "*",
                        "Resource": "*"
                    }
                ]
            }
            """);

    public static readonly AwsManagedPolicy ReadOnlyAccess = new(
        "ReadOnlyAccess", "/", "v188", "Provides read-only access to AWS services and resources.",
        """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "ReadOnlyActionsGroup1",
                        "Effect": "Allow",
                        "Action": [
                            "cloudwatch:Describe*",
                            "cloudwatch:GenerateQuery",
                            "cloudwatch:GenerateQueryResultsSummary",
                            "cloudwatch:Get*",
                            "cloudwatch:List*",
                            "ecs:Describe*",
                            "ecs:GetTaskProtection",
                            "ecs:List*",
                            "elasticloadbalancing:Describe*",
                            "iam:Generate*",
                            "iam:Get*",
                            "iam:List*",
                            "iam:Simulate*"
                        ],
                        "Resource": "*"
                    },
                    {
                        "Sid": "ReadOnlyActionsGroup2",
                        "Effect": "Allow",
                        "Action": [
                            "logs:Describe*",
                            "logs:FilterLogEvents",
                            "logs:Get*",
                            "logs:ListAggregateLogGroupSummaries",
                            "logs:ListAnomalies",
                            "logs:ListEntitiesForLogGroup",
                            "logs:ListIntegrations",
                            "logs:ListLogAnomalyDetectors",
                            "logs:ListLogDeliveries",
                            "logs:ListLogGroupsForEntity",
                            "logs:ListLogGroupsForQuery",
                            "logs:ListScheduledQueries",
                            "logs:ListSourcesForS3TableIntegration",
                            "logs:ListTagsForResource",
                            "logs:ListTagsLogGroup",
                            "logs:StartLiveTail",
                            "logs:StartQuery",
                            "logs:StopLiveTail",
                            "logs:StopQuery",
                            "logs:TestMetricFilter",
                            "secretsmanager:Describe*",
                            "secretsmanager:GetResourcePolicy",
                            "secretsmanager:List*",
                            "ssm:Describe*",
                            "ssm:Get*",
                            "ssm:List*",
                            "sts:GetAccessKeyInfo",
                            "sts:GetCallerIdentity",
                            "sts:GetSessionToken"
                        ],
                        "Resource": "*"
                    }
                ]
            }
            """);

    public static readonly AwsManagedPolicy AmazonECSFullAccess = new(
        "AmazonECS_FullAccess", "/", "v21",
        "Provides administrative access to Amazon ECS resources and enables ECS features through access to other AWS service resources, including VPCs, Auto Scaling groups, and CloudFormation stacks.",
        """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "ECSIntegrationsManagementPolicy",
                        "Effect": "Allow",
                        "Action": [
                            "application-autoscaling:DeleteScalingPolicy",
                            "application-autoscaling:DeregisterScalableTarget",
                            "application-autoscaling:DescribeScalableTargets",
                            "application-autoscaling:DescribeScalingActivities",
                            "application-autoscaling:DescribeScalingPolicies",
                            "application-autoscaling:PutScalingPolicy",
                            "application-autoscaling:RegisterScalableTarget",
                            "appmesh:DescribeVirtualGateway",
                            "appmesh:DescribeVirtualNode",
                            "appmesh:ListMeshes",
                            "appmesh:ListVirtualGateways",
                            "appmesh:ListVirtualNodes",
                            "autoscaling:CreateAutoScalingGroup",
                            "autoscaling:CreateLaunchConfiguration",
                            "autoscaling:DeleteAutoScalingGroup",
                            "autoscaling:DeleteLaunchConfiguration",
                            "autoscaling:Describe*",
                            "autoscaling:UpdateAutoScalingGroup",
                            "cloudformation:CreateStack",
                            "cloudformation:DeleteStack",
                            "cloudformation:DescribeStack*",
                            "cloudformation:UpdateStack",
                            "cloudwatch:DeleteAlarms",
                            "cloudwatch:DescribeAlarms",
                            "cloudwatch:GetMetricStatistics",
                            "cloudwatch:PutMetricAlarm",
                            "codedeploy:BatchGetApplicationRevisions",
                            "codedeploy:BatchGetApplications",
                            "codedeploy:BatchGetDeploymentGroups",
                            "codedeploy:BatchGetDeployments",
                            "codedeploy:ContinueDeployment",
                            "codedeploy:CreateApplication",
                            "codedeploy:CreateDeployment",
                            "codedeploy:CreateDeploymentGroup",
                            "codedeploy:GetApplication",
                            "codedeploy:GetApplicationRevision",
                            "codedeploy:GetDeployment",
                            "codedeploy:GetDeploymentConfig",
                            "codedeploy:GetDeploymentGroup",
                            "codedeploy:GetDeploymentTarget",
                            "codedeploy:ListApplicationRevisions",
                            "codedeploy:ListApplications",
                            "codedeploy:ListDeploymentConfigs",
                            "codedeploy:ListDeploymentGroups",
                            "codedeploy:ListDeployments",
                            "codedeploy:ListDeploymentTargets",
                            "codedeploy:RegisterApplicationRevision",
                            "codedeploy:StopDeployment",
                            "ec2:AssociateRouteTable",
                            "ec2:AttachInternetGateway",
                            "ec2:AuthorizeSecurityGroupIngress",
                            "ec2:CancelSpotFleetRequests",
                            "ec2:CreateInternetGateway",
                            "ec2:CreateLaunchTemplate",
                            "ec2:CreateRoute",
                            "ec2:CreateRouteTable",
                            "ec2:CreateSecurityGroup",
                            "ec2:CreateSubnet",
                            "ec2:CreateVpc",
                            "ec2:DeleteLaunchTemplate",
                            "ec2:DeleteSubnet",
                            "ec2:DeleteVpc",
                            "ec2:Describe*",
                            "ec2:DetachInternetGateway",
                            "ec2:DisassociateRouteTable",
                            "ec2:ModifySubnetAttribute",
                            "ec2:ModifyVpcAttribute",
                            "ec2:RequestSpotFleet",
                            "ec2:RunInstances",
                            "ecs:*",
                            "elasticfilesystem:DescribeAccessPoints",
                            "elasticfilesystem:DescribeFileSystems",
                            "elasticloadbalancing:CreateListener",
                            "elasticloadbalancing:CreateLoadBalancer",
                            "elasticloadbalancing:CreateRule",
                            "elasticloadbalancing:CreateTargetGroup",
                            "elasticloadbalancing:DeleteListener",
                            "elasticloadbalancing:DeleteLoadBalancer",
                            "elasticloadbalancing:DeleteRule",
                            "elasticloadbalancing:DeleteTargetGroup",
                            "elasticloadbalancing:DescribeListeners",
                            "elasticloadbalancing:DescribeLoadBalancers",
                            "elasticloadbalancing:DescribeRules",
                            "elasticloadbalancing:DescribeTargetGroups",
                            "events:DeleteRule",
                            "events:DescribeRule",
                            "events:ListRuleNamesByTarget",
                            "events:ListTargetsByRule",
                            "events:PutRule",
                            "events:PutTargets",
                            "events:RemoveTargets",
                            "fsx:DescribeFileSystems",
                            "iam:ListAttachedRolePolicies",
                            "iam:ListInstanceProfiles",
                            "iam:ListRoles",
                            "lambda:ListFunctions",
                            "logs:CreateLogGroup",
                            "logs:DescribeLogGroups",
                            "logs:FilterLogEvents",
                            "route53:CreateHostedZone",
                            "route53:DeleteHostedZone",
                            "route53:GetHealthCheck",
                            "route53:GetHostedZone",
                            "route53:ListHostedZonesByName",
                            "servicediscovery:CreatePrivateDnsNamespace",
                            "servicediscovery:CreateService",
                            "servicediscovery:DeleteService",
                            "servicediscovery:GetNamespace",
                            "servicediscovery:GetOperation",
                            "servicediscovery:GetService",
                            "servicediscovery:ListNamespaces",
                            "servicediscovery:ListServices",
                            "servicediscovery:UpdateService",
                            "sns:ListTopics"
                        ],
                        "Resource": [
                            "*"
                        ]
                    },
                    {
                        "Sid": "SSMPolicy",
                        "Effect": "Allow",
                        "Action": [
                            "ssm:GetParameter",
                            "ssm:GetParameters",
                            "ssm:GetParametersByPath"
                        ],
                        "Resource": "arn:aws:ssm:*:*:parameter/aws/service/ecs*"
                    },
                    {
                        "Sid": "ManagedCloudformationResourcesCleanupPolicy",
                        "Effect": "Allow",
                        "Action": [
                            "ec2:DeleteInternetGateway",
                            "ec2:DeleteRoute",
                            "ec2:DeleteRouteTable",
                            "ec2:DeleteSecurityGroup"
                        ],
                        "Resource": [
                            "*"
                        ],
                        "Condition": {
                            "StringLike": {
                                "ec2:ResourceTag/aws:cloudformation:stack-name": "EC2ContainerService-*"
                            }
                        }
                    },
                    {
                        "Sid": "TasksPassRolePolicy",
                        "Effect": "Allow",
                        "Action": [
                            "iam:PassRole"
                        ],
                        "Resource": [
                            "*"
                        ],
                        "Condition": {
                            "StringLike": {
                                "iam:PassedToService": "ecs-tasks.amazonaws.com"
                            }
                        }
                    },
                    {
                        "Sid": "InfrastructurePassRolePolicy",
                        "Effect": "Allow",
                        "Action": [
                            "iam:PassRole"
                        ],
                        "Resource": [
                            "arn:aws:iam::*:role/ecsInfrastructureRole"
                        ],
                        "Condition": {
                            "StringEquals": {
                                "iam:PassedToService": "ecs.amazonaws.com"
                            }
                        }
                    },
                    {
                        "Sid": "InstancePassRolePolicy",
                        "Effect": "Allow",
                        "Action": [
                            "iam:PassRole"
                        ],
                        "Resource": [
                            "arn:aws:iam::*:role/ecsInstanceRole*"
                        ],
                        "Condition": {
                            "StringLike": {
                                "iam:PassedToService": [
                                    "ec2.amazonaws.com",
                                    "ec2.amazonaws.com.cn"
                                ]
                            }
                        }
                    },
                    {
                        "Sid": "AutoScalingPassRolePolicy",
                        "Effect": "Allow",
                        "Action": [
                            "iam:PassRole"
                        ],
                        "Resource": [
                            "arn:aws:iam::*:role/ecsAutoscaleRole*"
                        ],
                        "Condition": {
                            "StringLike": {
                                "iam:PassedToService": [
                                    "application-autoscaling.amazonaws.com",
                                    "application-autoscaling.amazonaws.com.cn"
                                ]
                            }
                        }
                    },
                    {
                        "Sid": "ServiceLinkedRoleCreationPolicy",
                        "Effect": "Allow",
                        "Action": [
                            "iam:CreateServiceLinkedRole"
                        ],
                        "Resource": "*",
                        "Condition": {
                            "StringLike": {
                                "iam:AWSServiceName": [
                                    "ecs.amazonaws.com",
                                    "autoscaling.amazonaws.com",
                                    "ecs.application-autoscaling.amazonaws.com",
                                    "spot.amazonaws.com",
                                    "spotfleet.amazonaws.com"
                                ]
                            }
                        }
                    },
                    {
                        "Sid": "ELBTaggingPolicy",
                        "Effect": "Allow",
                        "Action": [
                            "elasticloadbalancing:AddTags"
                        ],
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {
                                "elasticloadbalancing:CreateAction": [
                                    "CreateTargetGroup",
                                    "CreateRule",
                                    "CreateListener",
                                    "CreateLoadBalancer"
                                ]
                            }
                        }
                    }
                ]
            }
            """);

    public static readonly AwsManagedPolicy AmazonECSTaskExecutionRolePolicy = new(
        "AmazonECSTaskExecutionRolePolicy", "/service-role/", "v1",
        "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
        """
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": [
                            "ecr:GetAuthorizationToken",
                            "ecr:BatchCheckLayerAvailability",
                            "ecr:GetDownloadUrlForLayer",
                            "ecr:BatchGetImage",
                            "logs:CreateLogStream",
                            "logs:PutLogEvents"
                        ],
                        "Resource": "*"
                    }
                ]
            }
            """);

    public static IReadOnlyList<AwsManagedPolicy> All { get; } =
        [AdministratorAccess, ReadOnlyAccess, AmazonECSFullAccess, AmazonECSTaskExecutionRolePolicy];

    /// <summary>The AWS managed policy with this ARN, if Berth has it.</summary>
    public static AwsManagedPolicy? Find(string arn) => All.FirstOrDefault(p => p.Arn == arn);
}
