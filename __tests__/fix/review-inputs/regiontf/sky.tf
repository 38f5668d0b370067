# SkyPilot user policy, restricted to us-east-1
data "aws_iam_policy_document" "sky" {
  statement {
    actions   = ["ec2:RunInstances"]
    resources = ["arn:aws:ec2:*::image/ami-*"]
  }
  statement {
    sid       = "Lifecycle"
    actions   = ["ec2:TerminateInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:CreateTags", "ec2:DeleteTags"]
    resources = ["arn:aws:ec2:us-east-1:123456789012:*"]
  }
  statement {
    actions   = ["ec2:Describe*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "sky" {
  name   = "skypilot"
  policy = data.aws_iam_policy_document.sky.json
}
