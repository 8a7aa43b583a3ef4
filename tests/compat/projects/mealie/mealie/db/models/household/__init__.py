from .cookbook import CookBook
from .events import GroupEventNotifierModel, GroupEventNotifierOptionsModel
from .household import Household
from .invite_tokens import GroupInviteToken
from .mealplan import GroupMealPlan, GroupMealPlanRules
from .preferences import HouseholdPreferencesModel
from .recipe_action import GroupRecipeAction
from .shopping_list import (
    ShoppingList,
    ShoppingListExtras,
    ShoppingListItem,
    ShoppingListItemRecipeReference,
    ShoppingListMultiPurposeLabel,
    ShoppingListRecipeReference,
)
from .webhooks import GroupWebhooksModel

__all__ = [
    "CookBook",
    "GroupEventNotifierModel",
    "GroupEventNotifierOptionsModel",
    "GroupInviteToken",
    "GroupMealPlan",
    "GroupMealPlanRules",
    "Household",
    "HouseholdPreferencesModel",
    "GroupRecipeAction",
    "ShoppingList",
    "ShoppingListExtras",
    "ShoppingListItem",
    "ShoppingListItemRecipeReference",
    "ShoppingListMultiPurposeLabel",
    "ShoppingListRecipeReference",
    "GroupWebhooksModel",
]
