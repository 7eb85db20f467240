"""tasks/fix_lint"""
