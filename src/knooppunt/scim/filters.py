"""What the filters of /Users and /Groups share: a SCIM filter turned into a `Q`, where "not",
"and" and "or" combine the terms' `Q`s. The resources' own visitors say what each attribute
compares with."""

from __future__ import annotations

from django.db.models import Q
from scim2_models.path import FilterVisitor, LogicalExpr, LogicalOperator, Not

NOTHING = Q(pk__in=[])


class QueryVisitor(FilterVisitor[Q]):
    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        terms = [self.visit(term) for term in node.terms]
        result = terms[0]
        for term in terms[1:]:
            result = result & term if node.op == LogicalOperator.and_ else result | term
        return result
